// Command service is an existing Go web service that embeds a Loom model:
// its own endpoint scores customers in process, the model's HTTP API is
// mounted beside it, the model follows the registry's "champion" alias and
// is hot-swapped when the alias moves, a drift monitor watches the
// traffic, and labels sent later are joined to the served predictions by
// request id to watch the model's ROC AUC (performance drift).
//
// Train and register a model first, then start the service on the same
// registry:
//
//	go run ./examples/quickstart                 # writes $TMPDIR/loom-quickstart/registry
//	go run ./examples/service -addr localhost:8080
//
//	curl -s localhost:8080/signup -d '{"customer_id": "c-1", "age": 34, "score": 0.8, "plan": "low", "region": "north"}'
//	curl -s localhost:8080/models/churn/predict -H 'Content-Type: application/json' -d '{"age": 34, "score": 0.8, "segment": "low", "region": "north"}'
//	curl -s 'localhost:8080/models/churn/predict?explain=3' -H 'Content-Type: application/json' -d '{"age": 34, "score": 0.8, "segment": "low", "region": "north"}'
//	curl -s localhost:8080/models/churn/predict -H 'Content-Type: application/json' -H 'X-Request-Id: r-1' -d '{"age": 34, "score": 0.8, "segment": "low", "region": "north"}'
//	curl -s localhost:8080/models/churn/labels -H 'Content-Type: application/json' -d '{"id": "r-1", "label": 1}'
//	curl -s localhost:8080/drift
//	curl -s localhost:8080/metrics               # Prometheus text format
//	curl -s localhost:8080/readyz
//
// Promote another version (from another process, even) and the service
// swaps to it within a second, without failing a request in flight.
package main

import (
	"context"
	"flag"
	"log"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/loomml/loom/registry"
	"github.com/loomml/loom/serve"
)

func main() {
	log.SetFlags(0)
	dir := flag.String("registry", filepath.Join(os.TempDir(), "loom-quickstart", "registry"), "registry directory")
	addr := flag.String("addr", "localhost:8080", "address to listen on")
	monitor := flag.Bool("monitor", true, "watch the traffic for drift (evaluated every 10,000 rows, on the request that closes the window)")
	pprofAddr := flag.String("pprof", "", "if set, serve net/http/pprof's profiles on this address (such as localhost:6060), apart from the service")
	flag.Parse()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	reg, err := registry.Open(*dir)
	if err != nil {
		log.Fatal(err)
	}
	defer reg.Close()
	mp, metrics, err := newMetrics()
	if err != nil {
		log.Fatal(err)
	}
	a, err := newApp(ctx, reg, "champion", *monitor, mp, metrics)
	if err != nil {
		log.Fatalf("service: %v (run `go run ./examples/quickstart` first to train and register a model)", err)
	}
	defer a.close()
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	if *pprofAddr != "" {
		stopProfiles, err := serveProfiles(ctx, *pprofAddr)
		if err != nil {
			log.Fatal(err)
		}
		defer stopProfiles()
	}
	log.Printf("service: serving churn v%d on http://%s", a.model.Current().Info().Version, l.Addr())
	if err := serve.Serve(ctx, l, a, serve.ServerOptions{}); err != nil {
		log.Fatal(err)
	}
	log.Print("service: drained and stopped")
}
