package io.multitier.jcache.configuration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.Version;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The provider's Jackson modules and Redisson's resolve to one Jackson version (the build's enforcer
 * checks convergence without the optional Redisson; this checks the class path with it).
 */
final class OneJacksonTest {

  @Test
  void everyJacksonModuleIsOfOneVersion() {
    List<Version> versions = List.of(
        com.fasterxml.jackson.core.json.PackageVersion.VERSION,
        com.fasterxml.jackson.databind.cfg.PackageVersion.VERSION,
        com.fasterxml.jackson.dataformat.yaml.PackageVersion.VERSION,
        com.fasterxml.jackson.datatype.jsr310.PackageVersion.VERSION);
    assertThat(versions).as("jackson-core, -databind, -dataformat-yaml, and Redisson's -datatype-jsr310")
        .extracting(Version::toString).containsOnly(versions.get(0).toString());
  }
}
