package serve

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// Problem is an HTTP problem report (RFC 9457), the body of every error
// response, served as application/problem+json.
type Problem struct {
	Type     string `json:"type"`               // a URI naming the kind of problem
	Title    string `json:"title"`              // short, fixed per Type
	Status   int    `json:"status"`             // the HTTP status code
	Detail   string `json:"detail,omitempty"`   // this occurrence, in words
	Instance string `json:"instance,omitempty"` // the request id
	// Errors lists every bad field of a bad request.
	Errors []FieldError `json:"errors,omitempty"`
}

// FieldError names one bad field of a request and says why it is bad.
type FieldError struct {
	Instance int    `json:"instance"` // index of the instance in a batch; 0 for one
	Field    string `json:"field"`
	Reason   string `json:"reason"`
}

// Problem types, as URIs relative to this package's documentation.
const (
	problemInvalid     = "https://pkg.go.dev/github.com/loomml/loom/serve#invalid-request"
	problemTooLarge    = "https://pkg.go.dev/github.com/loomml/loom/serve#request-too-large"
	problemOverloaded  = "https://pkg.go.dev/github.com/loomml/loom/serve#overloaded"
	problemTimeout     = "https://pkg.go.dev/github.com/loomml/loom/serve#timeout"
	problemNotReady    = "https://pkg.go.dev/github.com/loomml/loom/serve#not-ready"
	problemInternal    = "https://pkg.go.dev/github.com/loomml/loom/serve#internal-error"
	problemNotFound    = "https://pkg.go.dev/github.com/loomml/loom/serve#not-found"
	problemBadMethod   = "https://pkg.go.dev/github.com/loomml/loom/serve#method-not-allowed"
	problemUnsupported = "https://pkg.go.dev/github.com/loomml/loom/serve#unsupported-media-type"
)

var problemTitles = map[string]string{
	problemInvalid:     "The request is invalid",
	problemTooLarge:    "The request body is too large",
	problemOverloaded:  "The server is overloaded",
	problemTimeout:     "The request timed out",
	problemNotReady:    "No model is loaded",
	problemInternal:    "Internal error",
	problemNotFound:    "Not found",
	problemBadMethod:   "Method not allowed",
	problemUnsupported: "Unsupported media type",
}

func writeProblem(w http.ResponseWriter, status int, typ, detail, requestID string, errs []FieldError) {
	p := Problem{Type: typ, Title: problemTitles[typ], Status: status, Detail: detail, Instance: requestID, Errors: errs}
	b, _ := json.Marshal(p) // cannot fail: strings and ints only
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Content-Length", strconv.Itoa(len(b)+1))
	w.WriteHeader(status)
	w.Write(append(b, '\n'))
}
