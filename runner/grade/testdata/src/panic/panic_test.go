package panic

import "testing"

func TestFirst(t *testing.T) {}

func TestGet(t *testing.T) { _ = Get(nil, 3) }

func TestNeverRuns(t *testing.T) {}
