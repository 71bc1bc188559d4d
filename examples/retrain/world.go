package main

import (
	"bytes"
	"context"
	"math/rand/v2"

	"github.com/loomml/loom/examples/internal/customers"
	"github.com/loomml/loom/pipeline/source"
)

// Customer is the example's row type.
type Customer = customers.Customer

// weeks reads the shipped customers and deals them, shuffled with a fixed
// seed, into n weeks of fresh data.
func weeks(ctx context.Context, n int) ([][]Customer, error) {
	rows, err := source.ReadCSVAll[Customer](ctx, bytes.NewReader(customers.CSV), &source.CSVOptions{Name: "mixed.csv"})
	if err != nil {
		return nil, err
	}
	r := rand.New(rand.NewPCG(2026, 1))
	r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	out := make([][]Customer, n)
	size := len(rows) / n
	for i := range out {
		out[i] = rows[i*size : (i+1)*size]
	}
	return out, nil
}

// campaign is the world during the marketing campaign: the customers it
// brings in, mostly through its own channel, are younger, earn less, work
// longer hours and have lower balances, and for them a high score means
// loyalty rather than risk (the score's meaning is reversed), so a model
// trained before the campaign ranks them badly.
func campaign(rows []Customer) []Customer {
	out := make([]Customer, len(rows))
	for i, c := range rows {
		c.Age = max(18, c.Age-8)
		if c.Income != nil {
			v := *c.Income * 0.6
			c.Income = &v
		}
		if i%10 < 7 {
			ch := "ch42"
			c.Channel = &ch
		}
		if c.HoursPerWeek != nil {
			h := min(100, *c.HoursPerWeek+8)
			c.HoursPerWeek = &h
		}
		if c.Balance != nil {
			b := *c.Balance - 1500
			c.Balance = &b
		}
		c.Score = 1 - c.Score
		if c.TenureYears != nil && *c.TenureYears > c.Age-14 {
			t := max(0, c.Age-14)
			c.TenureYears = &t
		}
		out[i] = c
	}
	return out
}

// corrupt is a week whose labels an upstream bug shuffled.
func corrupt(rows []Customer) []Customer {
	out := append([]Customer(nil), rows...)
	r := rand.New(rand.NewPCG(4, 4))
	r.Shuffle(len(out), func(i, j int) { out[i].Target, out[j].Target = out[j].Target, out[i].Target })
	return out
}
