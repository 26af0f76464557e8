package org.pgjcache.spring.boot.app;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.cache.annotation.CacheEvict;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/** A slow lookup worth caching; it counts how often it really ran. */
@Service
public class BookService {

  private final AtomicInteger lookups = new AtomicInteger();

  /**
   * @param isbn the book
   * @return its title, from the cache after the first call
   */
  @Cacheable("books")
  public String title(String isbn) {
    lookups.incrementAndGet();
    return "Title of " + isbn;
  }

  /**
   * @param isbn the book to drop from the cache
   */
  @CacheEvict("books")
  public void forget(String isbn) {
    // the annotation does the work
  }

  /**
   * @return how many lookups reached this method
   */
  public int lookups() {
    return lookups.get();
  }
}
