module corpus/mutex-copied

go 1.26
