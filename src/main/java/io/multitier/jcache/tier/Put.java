package io.multitier.jcache.tier;

import org.jspecify.annotations.Nullable;

/**
 * What a put found and did.
 *
 * @param present whether the key was present
 * @param previous the value it replaced, if the caller asked for it and there was one, else {@code null}
 * @param created whether the key was absent and now holds the value (a zero time to live for a
 *     new entry stores nothing)
 * @param <V> the value type
 */
public record Put<V>(boolean present, @Nullable V previous, boolean created) {}
