// Command retrain simulates four weeks in the life of the churn model
// under the retraining loop (package retrain), on the data set the
// repository ships, in a few seconds of real time:
//
//   - week 1: the first model is trained and promoted;
//   - week 2: the weekly schedule retrains it; the challenger does not
//     beat the champion by the required margin and is rejected;
//   - week 3: a marketing campaign changes who the customers are: the
//     champion's drift monitor alerts, the loop retrains on the fresh
//     data, the challenger wins on the same holdout, takes 10% of the
//     traffic as a canary, holds through its soak and is promoted;
//   - week 4: an upstream bug shuffles the labels of the new week: the
//     challenger fails the gates and is rejected; the campaign ends, the
//     new champion's live performance (delayed labels) drops within its
//     watch window and the loop rolls back to the previous champion.
//
// Time is simulated with a retrain.ManualClock, and every event is
// printed on a timeline. Run it from the repository root:
//
//	go run ./examples/retrain
//
// It keeps its registry under -out (by default a fresh directory in the
// system's temporary directory).
package main

import (
	"context"
	"flag"
	"log"
	"os"
	"path/filepath"
)

func main() {
	log.SetFlags(0)
	out := flag.String("out", filepath.Join(os.TempDir(), "loom-retrain"), "directory for the registry: created, or an empty one, or one this example made before (a non-empty directory of yours is refused, never emptied)")
	flag.Parse()
	if err := run(context.Background(), os.Stdout, *out); err != nil {
		log.Fatal("retrain: ", err)
	}
}
