/**
 * The Cipherline SDK: an end-to-end encrypted chat client built on libsignal. Start with {@link
 * dev.cipherline.sdk.ChatClient}.
 *
 * <p>Every parameter, return value and record component in this package is non-null unless it is
 * marked {@link dev.cipherline.sdk.Nullable}. No libsignal, OkHttp or JDBC type appears in this
 * package; everything else lives in {@code dev.cipherline.sdk.internal}, which is not API.
 */
package dev.cipherline.sdk;
