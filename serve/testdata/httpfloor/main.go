// Command httpfloor is the floor under serve's HTTP throughput on this
// machine: a net/http server that reads a POST body and answers the same
// headers (Content-Type, X-Request-Id, Content-Length and Date) and the
// same 173-byte JSON body as examples/service's /models/churn/predict,
// through a ServeMux and an http.Server with the same timeouts
// (serve.NewServer's, as serve.Serve gives the service), with no
// decoding, scoring or telemetry. wrk against it
// (serve/testdata/bench_http.sh with a "service-floor" binary) shows what
// net/http, the loopback TCP stack and wrk itself cost before Loom does
// any work. With -plain it runs a zero http.Server instead (no timeouts,
// so no read and write deadlines set per request), as the floor of the
// third session did.
//
//	go build -o "$DIR/service-floor" ./serve/testdata/httpfloor
package main

import (
	"flag"
	"io"
	"log"
	"net/http"
	"strconv"
	"sync/atomic"

	"github.com/loomml/loom/serve"
)

const answer = `{"model":"churn","version":1,"route":"champion","request_id":"545e04b3267a-1","predictions":[{"value":1,"class":1,"probabilities":[0.3148545465887197,0.6851454534112803]}]}` + "\n"

func main() {
	addr := flag.String("addr", "127.0.0.1:18080", "listen address")
	flag.String("registry", "", "ignored: accepted so bench_http.sh can start it like the service")
	plain := flag.Bool("plain", false, "serve with a zero http.Server (no timeouts) instead of serve.NewServer's")
	flag.Parse()
	var id atomic.Int64
	buf := make(chan []byte, 64)
	http.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {})
	http.HandleFunc("/models/churn/predict", func(w http.ResponseWriter, r *http.Request) {
		var b []byte
		select {
		case b = <-buf:
		default:
			b = make([]byte, 0, 1024)
		}
		b = b[:0]
		for {
			if len(b) == cap(b) {
				b = append(b, 0)[:len(b)]
			}
			n, err := r.Body.Read(b[len(b):cap(b)])
			b = b[:len(b)+n]
			if err == io.EOF {
				break
			}
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
		}
		h := w.Header()
		h["Content-Type"] = []string{"application/json"}
		h["X-Request-Id"] = []string{"545e04b3267a-" + strconv.FormatInt(id.Add(1), 36)}
		h["Content-Length"] = []string{strconv.Itoa(len(answer))}
		io.WriteString(w, answer)
		select {
		case buf <- b:
		default:
		}
	})
	if *plain {
		log.Fatal(http.ListenAndServe(*addr, nil))
	}
	log.Fatal(serve.NewServer(*addr, http.DefaultServeMux, serve.ServerOptions{}).ListenAndServe())
}
