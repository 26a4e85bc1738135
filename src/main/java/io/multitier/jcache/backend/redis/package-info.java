/**
 * The shared tier on Redis, through Redisson: commands, the invalidation channel, shared events.
 *
 * <p>Every type here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.multitier.jcache.backend.redis;

import org.jspecify.annotations.NullMarked;
