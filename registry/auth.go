package registry

import (
	"context"
	"fmt"
)

type principalKey struct{}

// WithPrincipal returns a copy of ctx carrying name as the principal: the
// who of every audit entry written with that context, and what the
// Authorizer is asked about.
func WithPrincipal(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, principalKey{}, name)
}

// Principal returns the principal carried by ctx, or "anonymous".
func Principal(ctx context.Context) string {
	if p, ok := ctx.Value(principalKey{}).(string); ok && p != "" {
		return p
	}
	return "anonymous"
}

// Action is a write the Authorizer is asked about.
type Action struct {
	Kind    string // one of the Action* constants
	Model   string
	Version int    // 0 when not about one version
	Alias   string // "" when not about an alias
}

// String returns a short description, e.g. `promote churn v3 alias "champion"`.
func (a Action) String() string {
	s := a.Kind + " " + a.Model
	if a.Version != 0 {
		s += fmt.Sprintf(" v%d", a.Version)
	}
	if a.Alias != "" {
		s += fmt.Sprintf(" alias %q", a.Alias)
	}
	return s
}

// Authorizer decides whether principal may perform a write. It is consulted
// before every write; a non-nil error refuses it, and the caller gets a
// *DeniedError wrapping ErrDenied and that error, with nothing changed.
type Authorizer interface {
	Authorize(ctx context.Context, principal string, a Action) error
}

// AuthorizerFunc adapts a function to Authorizer.
type AuthorizerFunc func(ctx context.Context, principal string, a Action) error

// Authorize calls f.
func (f AuthorizerFunc) Authorize(ctx context.Context, principal string, a Action) error {
	return f(ctx, principal, a)
}
