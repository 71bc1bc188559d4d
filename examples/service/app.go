package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log"
	"net/http"
	"sync"
	"time"

	"github.com/loomml/loom/drift"
	"github.com/loomml/loom/examples/internal/customers"
	"github.com/loomml/loom/model"
	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/serve"
	"go.opentelemetry.io/otel/metric"
)

type Customer = customers.Customer

// app is the service: its own routes, plus the model's.
type app struct {
	mux     *http.ServeMux
	model   *serve.Swap[Customer]
	handler *serve.Handler[Customer]
	monitor *drift.Monitor[Customer]
	perf    *drift.PerformanceMonitor // nil when the version has no roc_auc
	stop    context.CancelFunc
	follow  *serve.Follower

	mu     sync.Mutex
	alerts []drift.Alert
}

// newApp builds the service over the registry, serving the version that
// alias points at; with monitor, drift and performance monitors watch the
// traffic. Its metrics go to mp and are scraped at /metrics from
// metricsHandler.
func newApp(ctx context.Context, reg *registry.Registry, alias string, monitor bool, mp metric.MeterProvider, metricsHandler http.Handler) (*app, error) {
	ctx, stop := context.WithCancel(ctx)
	a := &app{mux: http.NewServeMux(), model: serve.NewSwap[Customer](nil), stop: stop}
	// The drift reference, its columns and methods travel with the bundle.
	spec := customers.Spec()
	loaded, err := model.LoadAlias(ctx, reg, alias, spec)
	if err != nil {
		stop()
		return nil, err
	}
	onAlert := func(al drift.Alert) { a.mu.Lock(); a.alerts = append(a.alerts, al); a.mu.Unlock() }
	// Labels arrive later (did the customer churn?): POST /models/churn/labels
	// joins them to the served predictions by request id, and the ROC AUC of
	// each 1,000 joined pairs is compared with the one measured at evaluation.
	if auc, ok := loaded.Version().Metadata.Metrics["roc_auc"]; monitor && ok {
		a.perf, err = drift.NewPerformanceMonitor(&drift.PerformanceOptions{
			Name: spec.Name(), Metric: drift.ROCAUC, Reference: auc, MaxDegradation: 0.05,
			Window: 1000, MaxWait: 24 * time.Hour, OnAlert: onAlert,
		})
		if err != nil {
			stop()
			return nil, err
		}
	}
	if monitor {
		a.monitor, err = loaded.NewMonitor(&drift.MonitorOptions{
			MeterProvider: mp,
			Window:        drift.Window{Rows: 10000},
			OnAlert:       onAlert,
			Performance:   a.perf,
		})
		if err != nil {
			stop()
			return nil, err
		}
	}
	// Follow the alias: a promotion swaps the model, in flight requests finish on the old one.
	a.follow, err = serve.Follow(ctx, reg, alias, spec, a.model, func(err error) { log.Print(err) })
	if err != nil {
		stop()
		return nil, err
	}
	// The handler strips its mount point itself (Prefix): http.StripPrefix
	// would copy every request.
	opts := &serve.Options[Customer]{RejectUnknownFields: true, Performance: a.perf, MeterProvider: mp, Prefix: "/models/churn"}
	if a.monitor != nil {
		opts.Observe = func(c *Customer, _ serve.Prediction) { a.monitor.Observe(c) }
	}
	a.handler = serve.NewHandler(serve.Source[Customer](a.model), opts)

	a.mux.Handle("/models/churn/", a.handler)
	// The hot route, also by its exact pattern: the mux matches it without
	// the allocations of a prefix pattern's match (five per request).
	a.mux.Handle("POST "+predictPath, a.handler)
	a.mux.HandleFunc("POST /signup", a.signup)
	a.mux.Handle("GET /metrics", metricsHandler)
	// Probes of the service as a whole: live while the process runs, ready
	// once a model is loaded (the model's own are under /models/churn/).
	a.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok\n")) })
	a.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		if s := a.model.Current(); s == nil {
			http.Error(w, "no model loaded", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ready\n"))
	})
	a.mux.HandleFunc("GET /drift", a.drift)
	return a, nil
}

// ServeHTTP routes a request. The hot route, POST /models/churn/predict,
// goes straight to the model's handler, as the mux would send it (its
// exact pattern; the path is clean), without matching it against every
// pattern first.
func (a *app) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost && r.URL.Path == predictPath {
		a.handler.ServeHTTP(w, r)
		return
	}
	a.mux.ServeHTTP(w, r)
}

// predictPath is the service's hot route.
const predictPath = "/models/churn/predict"

func (a *app) close() {
	a.stop()
	a.follow.Stop()
	a.handler.Close()
}

// signupRequest is the service's own API, which predates the model.
type signupRequest struct {
	CustomerID string   `json:"customer_id"`
	Age        float64  `json:"age"`
	Score      float64  `json:"score"`
	Plan       string   `json:"plan"`
	Region     string   `json:"region"`
	Income     *float64 `json:"income"`
}

// signup is a handler of the existing service that scores in process.
func (a *app) signup(w http.ResponseWriter, r *http.Request) {
	var req signupRequest
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&req); err != nil {
		http.Error(w, "bad signup: "+err.Error(), http.StatusBadRequest)
		return
	}
	c := Customer{Age: req.Age, Score: req.Score, Segment: req.Plan, Region: req.Region, Income: req.Income}
	s := a.model.Current()
	p, err := s.Score(r.Context(), &c)
	if err != nil {
		http.Error(w, "cannot score: "+err.Error(), http.StatusBadRequest)
		return
	}
	if a.monitor != nil {
		a.monitor.Observe(&c)
	}
	risk := p.Probabilities()[1]
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{
		"customer_id":    req.CustomerID,
		"churn_risk":     risk,
		"offer_discount": risk > 0.5,
		"model":          fmt.Sprintf("%s v%d", s.Info().Name, s.Info().Version),
	})
}

// drift reports the monitor's view of the traffic so far.
func (a *app) drift(w http.ResponseWriter, r *http.Request) {
	if a.monitor == nil {
		http.Error(w, "the model artifact has no drift profile", http.StatusNotFound)
		return
	}
	rep, err := a.monitor.Evaluate()
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	rep.WriteJSON(w)
}
