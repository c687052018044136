package dev.cipherline.sdk;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a parameter, return value or record component that may be null. Everything in this package
 * that is not marked is non-null.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target({
    ElementType.PARAMETER,
    ElementType.METHOD,
    ElementType.FIELD,
    ElementType.RECORD_COMPONENT
})
public @interface Nullable {}
