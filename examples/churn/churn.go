// Package churn is the examples' churn model declaration
// (examples/internal/customers) for programs outside the examples tree:
// Go's rule on internal packages keeps the Beam example, in the nested
// module beam/, from importing the internal package, so this package
// names the same row type, declaration and data, declared once there.
package churn

import (
	"github.com/loomml/loom/examples/internal/customers"
	"github.com/loomml/loom/model"
)

// Customer is the row type of the churn model.
type Customer = customers.Customer

// CSV is the shipped data set: 20,000 customers, a header row first.
var CSV = customers.CSV

// Spec returns the one declaration of the churn model.
func Spec() *model.Spec[Customer] { return customers.Spec() }
