module github.com/libtdx/libtdx/bindings/go

go 1.19
