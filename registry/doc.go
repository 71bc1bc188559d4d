// Package registry is the embedded model registry: versions of artifacts
// (named parts as bytes plus metadata), aliases with gated promotion and
// rollback, an audit log that is a hash chain, and change notifications.
package registry
