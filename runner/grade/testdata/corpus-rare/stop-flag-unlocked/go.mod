module corpus/stop-flag-unlocked

go 1.26
