/**
 * How keys and values are copied and serialized: the codecs, their framing and compression, and
 * the allow-list of classes they read back.
 *
 * <p>Every type here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.multitier.jcache.copy;

import org.jspecify.annotations.NullMarked;
