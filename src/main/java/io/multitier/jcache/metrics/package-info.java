/** The tier counters of a cache as Micrometer meters (optional: needs micrometer-core). */
@NullMarked
package io.multitier.jcache.metrics;

import org.jspecify.annotations.NullMarked;
