package vet

import "testing"

func TestValue(t *testing.T) { _ = Value(Counter{}) }
