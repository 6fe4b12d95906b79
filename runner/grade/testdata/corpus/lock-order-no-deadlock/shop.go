// Package shop keeps stock and orders behind two locks, in the style of
// in-memory stores that grew a second mutex: placing an order and
// cancelling one each need both.
package shop

import (
	"errors"
	"sync"
)

// ErrSoldOut is returned when an item has no stock left.
var ErrSoldOut = errors.New("shop: sold out")

// Shop holds the stock per item and the open orders.
type Shop struct {
	stockMu sync.Mutex
	stock   map[string]int

	ordersMu sync.Mutex
	orders   map[int]string
	nextID   int
}

// New returns a shop with the given stock.
func New(stock map[string]int) *Shop {
	return &Shop{stock: stock, orders: make(map[int]string)}
}

// Order takes one item out of stock and records an order for it.
func (s *Shop) Order(item string) (int, error) {
	s.stockMu.Lock()
	defer s.stockMu.Unlock()
	if s.stock[item] == 0 {
		return 0, ErrSoldOut
	}
	s.ordersMu.Lock()
	defer s.ordersMu.Unlock()
	s.stock[item]--
	s.nextID++
	s.orders[s.nextID] = item
	return s.nextID, nil
}

// Cancel removes an order and puts its item back in stock.
func (s *Shop) Cancel(id int) {
	s.ordersMu.Lock()
	defer s.ordersMu.Unlock()
	item, ok := s.orders[id]
	if !ok {
		return
	}
	delete(s.orders, id)
	s.stockMu.Lock()
	defer s.stockMu.Unlock()
	s.stock[item]++
}
