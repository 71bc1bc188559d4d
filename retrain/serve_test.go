package retrain_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/loomml/loom/retrain"
	"github.com/loomml/loom/serve"
)

// TestServiceFollowsTheCanary shows a service following the aliases the
// loop moves with serve.Follow: the canary version takes its recorded
// share of the traffic, and once the canary fails the share goes back to
// the champion, since the loop parks the canary alias on it.
func TestServiceFollowsTheCanary(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	l, reg, w, _ := newLoop(t, retrain.PolicyCanary)
	w.set(accounts(1000, 7, 1, false))
	l.Trigger(retrain.Trigger{Kind: retrain.KindDrift})
	if r := only(t, step(t, l)); r.Outcome != retrain.OutcomeCanary || r.Challenger != 2 {
		t.Fatalf("record %+v", r)
	}

	champ, canary := serve.NewSwap[account](nil), serve.NewSwap[account](nil)
	for alias, sw := range map[string]*serve.Swap[account]{"champion": champ, "canary": canary} {
		f, err := serve.Follow(ctx, reg, alias, accountSpec(), sw, func(err error) { t.Error(err) })
		if err != nil {
			t.Fatal(err)
		}
		defer f.Stop()
	}
	cv, _ := reg.Resolve(ctx, "accounts", "canary")
	pct, err := strconv.ParseFloat(cv.Metadata.Tags[retrain.TagCanaryPercent], 64)
	if err != nil {
		t.Fatal(err)
	}
	h := serve.NewHandler(serve.Source[account](champ), &serve.Options[account]{Challenger: canary, CanaryPercent: pct})
	defer h.Close()
	routes := func() map[string]int {
		got := map[string]int{}
		for i := range 400 {
			req := httptest.NewRequest(http.MethodPost, "/predict", strings.NewReader(`{"usage": 5, "tenure": 2, "plan": "pro"}`))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Loom-Route-Key", fmt.Sprint("customer-", i))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			body := rec.Body.String()
			if rec.Code != 200 {
				t.Fatalf("predict: %d %s", rec.Code, body)
			}
			var resp struct {
				Version int    `json:"version"`
				Route   string `json:"route"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
				t.Fatal(err)
			}
			got[fmt.Sprintf("%s v%d", resp.Route, resp.Version)]++
		}
		return got
	}
	got := routes()
	t.Logf("routes during the canary: %v", got)
	if n := got["canary v2"]; n < 20 || n > 80 {
		t.Errorf("canary v2 answered %d of 400 requests; want about %g%% (routes %v)", n, pct, got)
	}

	l.Breach(2, retrain.KindPerformance, "canary's live roc_auc fell")
	if r := only(t, step(t, l)); r.Outcome != retrain.OutcomeCanaryFailed {
		t.Fatalf("record %+v", r)
	}
	deadline := time.Now().Add(10 * time.Second)
	for canary.Current().Info().Version != 1 {
		if time.Now().After(deadline) {
			t.Fatalf("the service still serves canary v%d", canary.Current().Info().Version)
		}
		time.Sleep(5 * time.Millisecond) // Follow swaps asynchronously
	}
	got = routes()
	if got["canary v2"] != 0 || got["canary v1"] == 0 {
		t.Errorf("routes after the canary failed: %v; want its share answered by the champion v1", got)
	}
}
