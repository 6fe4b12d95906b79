package shop

import (
	"errors"
	"testing"
)

func TestOrderThenCancel(t *testing.T) {
	s := New(map[string]int{"mug": 1})
	id, err := s.Order("mug")
	if err != nil {
		t.Fatalf("Order(mug): %v", err)
	}
	if _, err := s.Order("mug"); !errors.Is(err, ErrSoldOut) {
		t.Fatalf("second Order(mug) = %v, want ErrSoldOut", err)
	}
	s.Cancel(id)
	if _, err := s.Order("mug"); err != nil {
		t.Fatalf("Order(mug) after Cancel: %v", err)
	}
}
