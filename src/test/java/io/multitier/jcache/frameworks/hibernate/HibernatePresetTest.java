package io.multitier.jcache.frameworks.hibernate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.multitier.jcache.copy.ClassPresets;
import io.multitier.jcache.configuration.ManagerSettings;
import java.io.Serializable;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;

/** The preset {@code allowedClasses: [hibernate]} names classes that Hibernate ORM has and serializes. */
final class HibernatePresetTest {

  @Test
  void everyClassOfThePresetIsASerializableClassOfHibernateOrTheJdk() throws Exception {
    assertThat(ClassPresets.of("hibernate")).hasSizeGreaterThanOrEqualTo(10);
    for (String name : ClassPresets.of("hibernate")) {
      Class<?> type = Class.forName(name, false, getClass().getClassLoader());
      assertThat(Serializable.class.isAssignableFrom(type)).as(name).isTrue();
    }
  }

  @Test
  void aMisspeltPresetIsAnErrorOfTheFile() {
    assertThatThrownBy(() -> ManagerSettings.parse("defaults:\n  allowedClasses: [hibernat]\n", "app.yaml",
        getClass().getClassLoader()))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("app.yaml")
        .hasMessageContaining("'hibernat' is neither a preset (hibernate)")
        .hasMessageContaining("did you mean 'hibernate'?");
  }
}
