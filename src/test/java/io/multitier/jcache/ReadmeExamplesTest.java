package io.multitier.jcache;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** README's Java examples compile as written, imports included, against the provider and its optional dependencies. */
final class ReadmeExamplesTest {

  private static final Pattern JAVA_BLOCK = Pattern.compile("```java\\n(.*?)```", Pattern.DOTALL);
  private static final Pattern TYPE_NAME = Pattern.compile("(?m)^(?:public )?(?:final )?(?:class|record|interface) (\\w+)");

  @Test
  void everyJavaBlockOfTheReadmeCompiles(@TempDir Path classes) throws IOException {
    String readme = Files.readString(Path.of("README.md"), UTF_8);
    List<JavaFileObject> sources = new ArrayList<>();
    Matcher block = JAVA_BLOCK.matcher(readme);
    while (block.find()) {
      String code = block.group(1);
      Matcher type = TYPE_NAME.matcher(code);
      assertThat(type.find()).as("a README example is a whole file with its imports and a class:%n%s", code).isTrue();
      sources.add(new Source(type.group(1), code));
    }
    assertThat(sources).as("Java examples in README.md").hasSizeGreaterThanOrEqualTo(2);

    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    StringWriter errors = new StringWriter();
    try (StandardJavaFileManager files = compiler.getStandardFileManager(null, null, UTF_8)) {
      boolean compiled = compiler.getTask(errors, files, null,
          List.of("-d", classes.toString(), "-classpath", System.getProperty("java.class.path"), "-proc:none"),
          null, sources).call();
      assertThat(compiled).as("README's examples compile:%n%s", errors).isTrue();
    }
  }

  /** One example, as the file its class would be in. */
  private static final class Source extends SimpleJavaFileObject {
    private final String code;

    Source(String className, String code) {
      super(URI.create("string:///" + className + ".java"), Kind.SOURCE);
      this.code = code;
    }

    @Override
    public CharSequence getCharContent(boolean ignoreEncodingErrors) {
      return code;
    }
  }
}
