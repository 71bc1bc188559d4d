// Package stage defines Stage, the typed step every part of Loom is built
// from, and the middleware that wraps any stage.
//
// # Overview
//
// A Stage[In, Out] has a name and a Process method. Func and Map make one
// from a function; Then composes Stage[A, B] with Stage[B, C] into
// Stage[A, C], checked by the compiler, with no reflection and no interface{}
// payloads.
//
// # Errors
//
// Errors leaving a composed stage are wrapped in *Error, naming the stage
// that failed; errors.Is and errors.As see through them to the cause.
package stage
