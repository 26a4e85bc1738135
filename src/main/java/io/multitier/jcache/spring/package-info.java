/**
 * Spring Boot support, auto-configured when Boot is on the class path (all its dependencies are
 * optional): a health indicator of every CacheManager of this provider with Actuator, and the
 * per-tier meters plus JCache statistics with Micrometer.
 */
package io.multitier.jcache.spring;
