package org.pgjcache.spring.boot.app;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** HTTP in front of {@link BookService}, so the test drives the cache as a client would. */
@RestController
public class BookController {

  private final BookService books;

  public BookController(BookService books) {
    this.books = books;
  }

  @GetMapping("/books/{isbn}")
  public String title(@PathVariable("isbn") String isbn) {
    return books.title(isbn);
  }

  @DeleteMapping("/books/{isbn}")
  public void forget(@PathVariable("isbn") String isbn) {
    books.forget(isbn);
  }
}
