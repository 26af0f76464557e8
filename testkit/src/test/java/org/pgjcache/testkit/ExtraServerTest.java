package org.pgjcache.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

class ExtraServerTest {

    @Test
    void appliesFilesConfigurationAndHbaRulesBeforeTheFirstStart() throws SQLException {
        Path home;
        try (ExtraServer extra = ExtraServer.embedded()
                .file("greeting.txt", "hello from the test")
                .config("work_mem = '7MB'")
                .hba("host all shunned 127.0.0.1/32 reject")
                .start()) {
            TestDatabase db = extra.database();
            assertThat(db.kind()).isEqualTo("embedded");
            assertThat(db.host()).isEqualTo("127.0.0.1");
            String url = db.createDatabase("extra");
            try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                assertThat(query(st, "show work_mem")).isEqualTo("7MB");
                assertThat(query(st, "select pg_read_file('greeting.txt')")).isEqualTo("hello from the test");
                assertThat(query(st, "select current_setting('data_directory')")).isNotBlank();
                home = Path.of(query(st, "select current_setting('data_directory')")).getParent();
                st.execute("create role shunned login");
            }
            assertThatThrownBy(() -> DriverManager.getConnection(url.replace("user=postgres", "user=shunned")).close())
                    .isInstanceOf(SQLException.class).hasMessageContaining("rejects connection");
            if (TestDatabase.get().kind().equals("embedded")) {
                assertThat(db.port()).isNotEqualTo(TestDatabase.get().port());
            }
        }
        assertThat(Files.exists(home)).as("the server's directory is gone after close").isFalse();
    }

    @Test
    void refusesFileNamesOutsideTheDataDirectory() {
        assertThatThrownBy(() -> ExtraServer.embedded().file("../escape", "x"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExtraServer.embedded().file("a/b", "x")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExtraServer.embedded().file("x", "1").file("x", "2"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static String query(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
