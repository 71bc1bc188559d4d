package registry

import (
	"fmt"
	"time"
)

// Option configures a Registry; see WithAuthorizer, WithClock,
// WithPollInterval and WithCacheTTL.
type Option interface{ apply(*Registry) }

type optionFunc func(*Registry)

func (f optionFunc) apply(r *Registry) { f(r) }

// WithAuthorizer makes the Registry consult a before every write. By
// default every write is allowed.
func WithAuthorizer(a Authorizer) Option {
	if a == nil {
		panic("registry: WithAuthorizer needs an Authorizer, got nil")
	}
	return optionFunc(func(r *Registry) { r.auth = a })
}

// WithClock sets the clock that stamps versions and audit entries; by
// default time.Now. Tests and examples use it for reproducible output.
func WithClock(now func() time.Time) Option {
	if now == nil {
		panic("registry: WithClock needs a function, got nil")
	}
	return optionFunc(func(r *Registry) { r.now = now })
}

// WithPollInterval sets how often Watch checks the store for changes made
// by other processes; by default 200ms. Changes made through the same
// Registry are delivered at once.
func WithPollInterval(d time.Duration) Option {
	if d <= 0 {
		panic(fmt.Sprintf("registry: poll interval must be positive, got %v", d))
	}
	return optionFunc(func(r *Registry) { r.poll = d })
}

// WithCacheTTL lets reads (Resolve, Get, Latest, Versions, Aliases) serve
// the model state cached in memory for up to d after it was last checked
// against the store, without asking the store at all. Changes made through
// this Registry are always seen at once; changes made by other processes or
// Registries are then seen after at most d. By default d is 0 and every read
// checks the store's stamp first (one stat(2) call for the filesystem
// store), so reads are never stale.
func WithCacheTTL(d time.Duration) Option {
	if d < 0 {
		panic(fmt.Sprintf("registry: cache TTL must not be negative, got %v", d))
	}
	return optionFunc(func(r *Registry) { r.ttl = d })
}
