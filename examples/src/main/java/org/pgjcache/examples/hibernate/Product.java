package org.pgjcache.examples.hibernate;

import jakarta.persistence.Cacheable;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import org.hibernate.annotations.Cache;
import org.hibernate.annotations.CacheConcurrencyStrategy;

/**
 * An entity in the second-level cache. READ_WRITE keeps the cache transactionally consistent with
 * the database (a soft lock while an update is in flight), which works across JVMs here because
 * every node's cache region is the same pgjcache cache. Ids come from a sequence rather than an
 * identity column, because Hibernate caches an entity at insert only when it knows the id before
 * the insert.
 */
@Entity
@Cacheable
@Cache(usage = CacheConcurrencyStrategy.READ_WRITE)
public class Product {

  @Id
  @GeneratedValue(strategy = GenerationType.SEQUENCE)
  private Long id;

  private String name;

  private int stock;

  /** For Hibernate. */
  protected Product() {}

  /**
   * A new product, not yet persisted.
   *
   * @param name what it is called
   * @param stock how many are in stock
   */
  public Product(String name, int stock) {
    this.name = name;
    this.stock = stock;
  }

  /**
   * @return the generated id, null before the product is persisted
   */
  public Long getId() {
    return id;
  }

  /**
   * @return what it is called
   */
  public String getName() {
    return name;
  }

  /**
   * @return how many are in stock
   */
  public int getStock() {
    return stock;
  }

  /**
   * @param stock how many are in stock now
   */
  public void setStock(int stock) {
    this.stock = stock;
  }
}
