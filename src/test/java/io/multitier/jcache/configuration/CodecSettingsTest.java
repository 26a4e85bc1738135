package io.multitier.jcache.configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.multitier.jcache.copy.Codec;
import io.multitier.jcache.copy.Compression;
import javax.cache.CacheException;
import org.junit.jupiter.api.Test;

/** The {@code codec}, {@code compression} and {@code compressAbove} settings, in the file and in code. */
final class CodecSettingsTest {

  private final ClassLoader loader = getClass().getClassLoader();

  @Test
  void kryoIsTheDefaultOfTieredCachesAndTheFileSetsTheCodecForEveryCacheOrOne() {
    assertThat(new MultiTierConfiguration<>().getCodec()).as("none named: the provider's default").isNull();
    assertThat(Codec.orDefault(null, true)).as("tiered, Kryo on the class path").isEqualTo(Codec.KRYO);
    assertThat(Codec.orDefault(null, false)).as("L1-only").isEqualTo(Codec.JAVA);
    assertThat(Codec.orDefault(Codec.JAVA, true)).isEqualTo(Codec.JAVA);
    assertThat(Codec.orDefault(Codec.KRYO, false)).isEqualTo(Codec.KRYO);
    assertThat(new MultiTierConfiguration<>().getCompression()).isEqualTo(Compression.NONE);
    ManagerSettings settings = ManagerSettings.parse("defaults:\n  codec: kryo\n  compression: deflate\n"
        + "caches:\n  fast: {}\n  plain:\n    codec: JAVA\n    compressAbove: 4KiB\n", "app.yaml", loader);
    assertThat(settings.declared("fast").getCodec()).isEqualTo(Codec.KRYO);
    assertThat(settings.declared("fast").getCompression()).isEqualTo(Compression.DEFLATE);
    assertThat(settings.declared("fast").getCompressAbove()).isEqualTo(1024);
    assertThat(settings.declared("plain").getCodec()).isEqualTo(Codec.JAVA);
    assertThat(settings.declared("plain").getCompressAbove()).isEqualTo(4096);
    assertThat(settings.forCreated("made-in-code", new javax.cache.configuration.MutableConfiguration<>()).getCodec())
        .as("a cache created in code takes the file's defaults").isEqualTo(Codec.KRYO);
    MultiTierConfiguration<Object, Object> copied = new MultiTierConfiguration<>(
        new MultiTierConfiguration<>().setCodec(Codec.KRYO).setCompression(Compression.DEFLATE, 10));
    assertThat(copied.getCodec()).isEqualTo(Codec.KRYO);
    assertThat(copied.getCompressAbove()).isEqualTo(10);
    assertThat(copied).isEqualTo(new MultiTierConfiguration<>().setCodec(Codec.KRYO).setCompression(Compression.DEFLATE, 10))
        .isNotEqualTo(new MultiTierConfiguration<>());
  }

  @Test
  void aMisspeltCodecNamesTheCacheTheChoicesAndTheOneItResembles() {
    assertThatThrownBy(() -> ManagerSettings.parse("caches:\n  users:\n    codec: kyro\n", "app.yaml", loader))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("app.yaml, cache 'users'")
        .hasMessageContaining("codec must be one of java, kryo, not 'kyro' (did you mean 'kryo'?)");
    assertThatThrownBy(() -> ManagerSettings.parse("defaults:\n  codec: protobuf\n", "app.yaml", loader))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("codec must be one of java, kryo, not 'protobuf'")
        .hasMessageNotContaining("did you mean");
    assertThatThrownBy(() -> ManagerSettings.parse("defaults:\n  codecs: kryo\n", "app.yaml", loader))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("unknown setting 'codecs' (did you mean 'codec'?)");
  }

  @Test
  void aBadCompressionOrThresholdSaysWhatIsExpected() {
    assertThatThrownBy(() -> ManagerSettings.parse("caches:\n  users:\n    compression: deflat\n", "app.yaml", loader))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("app.yaml, cache 'users'")
        .hasMessageContaining("compression must be one of none, deflate, not 'deflat' (did you mean 'deflate'?)");
    assertThatThrownBy(() -> ManagerSettings.parse("caches:\n  users:\n    compressAbove: 1KB\n", "app.yaml", loader))
        .isInstanceOf(CacheException.class)
        .hasMessageContaining("app.yaml, cache 'users'")
        .hasMessageContaining("compressAbove: '1KB' is not a size; write it as 512, 4KiB or 1MiB");
    assertThatThrownBy(() -> new MultiTierConfiguration<>().setCompression(Compression.DEFLATE, -1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("compressAbove");
  }
}
