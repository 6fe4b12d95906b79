module corpus/ticker-loop-never-stopped

go 1.26
