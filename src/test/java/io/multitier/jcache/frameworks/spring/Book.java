package io.multitier.jcache.frameworks.spring;

import java.io.Serializable;

/** What the Spring-annotated service returns and caches. */
public record Book(long id, String title) implements Serializable {}
