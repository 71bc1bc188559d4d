package traintest_test

import (
	"fmt"
	"testing"

	"github.com/loomml/loom/train"
	"github.com/loomml/loom/train/traintest"
)

// printer is a testing.TB that prints failures, so that this example can
// run the suite outside a test; a real test passes its *testing.T.
type printer struct {
	testing.TB
	failed bool
}

func (p *printer) Helper() {}
func (p *printer) Errorf(format string, args ...any) {
	p.failed = true
	fmt.Printf(format+"\n", args...)
}

// A package defining a model kind runs the suite in its tests:
//
//	func TestConformance(t *testing.T) {
//		traintest.TestTrainer(t, mykind.Trainer{}, dataset)
//	}
func ExampleTestTrainer() {
	t := &printer{}
	traintest.TestTrainer(t, train.Ridge{}, data(40, 3, 0))
	fmt.Println("ridge conforms:", !t.failed)
	// Output:
	// ridge conforms: true
}
