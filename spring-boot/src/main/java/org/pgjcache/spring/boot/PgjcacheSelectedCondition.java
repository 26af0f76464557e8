package org.pgjcache.spring.boot;

import java.util.Locale;
import org.pgjcache.PgCachingProvider;
import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches unless the application chose another cache: {@code spring.cache.type} other than {@code
 * jcache}, or {@code spring.cache.jcache.provider} naming another JCache provider. Having added the
 * starter is taken as choosing pgjcache, also when other JCache providers are on the class path
 * (where Spring Boot alone would ask which one to use).
 */
class PgjcacheSelectedCondition extends SpringBootCondition {

  @Override
  public ConditionOutcome getMatchOutcome(
      ConditionContext context, AnnotatedTypeMetadata metadata) {
    ConditionMessage.Builder message = ConditionMessage.forCondition("pgjcache cache");
    Environment environment = context.getEnvironment();
    String type = environment.getProperty("spring.cache.type");
    if (type != null && !type.strip().toLowerCase(Locale.ROOT).equals("jcache")) {
      return ConditionOutcome.noMatch(message.because("spring.cache.type is " + type));
    }
    String provider = environment.getProperty("spring.cache.jcache.provider");
    if (provider != null && !provider.strip().equals(PgCachingProvider.class.getName())) {
      return ConditionOutcome.noMatch(
          message.because("spring.cache.jcache.provider is " + provider));
    }
    return ConditionOutcome.match(
        message.because(
            "spring.cache.type and spring.cache.jcache.provider"
                + " leave the choice to pgjcache"));
  }
}
