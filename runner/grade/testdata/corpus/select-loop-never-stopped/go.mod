module corpus/select-loop-never-stopped

go 1.26
