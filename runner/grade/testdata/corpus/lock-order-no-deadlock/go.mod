module corpus/lock-order-no-deadlock

go 1.26
