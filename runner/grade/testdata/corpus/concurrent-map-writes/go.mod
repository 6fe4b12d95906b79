module corpus/concurrent-map-writes

go 1.26
