package serve

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"
)

// ServerOptions configures ListenAndServe. Zero fields take the defaults
// given on each.
type ServerOptions struct {
	// ReadHeaderTimeout bounds the time to read request headers, the
	// defence against slow clients that hold connections open (slowloris).
	// Zero means 5s.
	ReadHeaderTimeout time.Duration
	// ReadTimeout bounds the time to read a whole request, headers and
	// body. Zero means 10s. (A Handler also bounds the reading of a body
	// by its own Options.Timeout, 2s by default.)
	ReadTimeout time.Duration
	// WriteTimeout bounds the time from the end of the request headers to
	// the end of the response. Zero means 10s.
	WriteTimeout time.Duration
	// IdleTimeout bounds how long a keep-alive connection waits for its next
	// request. Zero means 60s.
	IdleTimeout time.Duration
	// MaxHeaderBytes bounds request headers. Zero means 64 KiB.
	MaxHeaderBytes int
	// DrainTimeout bounds the graceful shutdown: in-flight requests get this
	// long to finish once ctx is done. Zero means 15s.
	DrainTimeout time.Duration
}

// NewServer returns an *http.Server for h with the timeouts of o set, so
// that slow or stalled clients cannot hold the server's connections.
func NewServer(addr string, h http.Handler, o ServerOptions) *http.Server {
	def := func(d, v time.Duration) time.Duration {
		if d == 0 {
			return v
		}
		return d
	}
	maxHeader := o.MaxHeaderBytes
	if maxHeader == 0 {
		maxHeader = 64 << 10
	}
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: def(o.ReadHeaderTimeout, 5*time.Second),
		ReadTimeout:       def(o.ReadTimeout, 10*time.Second),
		WriteTimeout:      def(o.WriteTimeout, 10*time.Second),
		IdleTimeout:       def(o.IdleTimeout, 60*time.Second),
		MaxHeaderBytes:    maxHeader,
	}
}

// Serve serves h on l until ctx is done, then shuts down gracefully: it stops
// accepting connections and waits up to o.DrainTimeout for in-flight
// requests to finish. It returns nil after a clean drain, or the error that
// stopped the server.
func Serve(ctx context.Context, l net.Listener, h http.Handler, o ServerOptions) error {
	srv := NewServer(l.Addr().String(), h, o)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(l) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	drain := o.DrainTimeout
	if drain == 0 {
		drain = 15 * time.Second
	}
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), drain)
	defer cancel()
	err := srv.Shutdown(sctx)
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}
