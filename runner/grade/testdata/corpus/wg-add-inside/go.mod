module corpus/wg-add-inside

go 1.26
