/**
 * Spring Boot support, auto-configured when Boot is on the class path (all its dependencies are
 * optional): a health indicator of every CacheManager of this provider with Actuator, the
 * per-tier meters plus JCache statistics with Micrometer, and the application's
 * {@code RedissonClient} bean handed to Boot's JCache CacheManager with Redisson.
 *
 * <p>Every type here is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package io.multitier.jcache.spring;

import org.jspecify.annotations.NullMarked;
