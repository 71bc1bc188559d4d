// Package forest fits CART decision trees, random forests and extremely
// randomized trees with the semantics and defaults of scikit-learn 1.2.
package forest
