package io.multitier.jcache.frameworks.dropin;

import java.io.Serializable;

/** A value of the application's own type. */
public record Product(long id, String name, int priceCents) implements Serializable {}
