/**
 * What the app sees of the client's work: the events thread that calls its listener ({@link
 * dev.cipherline.sdk.internal.app.Events}), the handle a send returns ({@link
 * dev.cipherline.sdk.internal.app.OutgoingHandle}) and the results of the outbox that move those
 * handles ({@link dev.cipherline.sdk.internal.app.OutboxResults}). Used by the way in ({@code
 * inbound}), the groups ({@code group}) and the wiring ({@code client}); depends on none of them.
 */
package dev.cipherline.sdk.internal.app;
