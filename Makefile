# make demo: see coupatui work against a simulated Coupa on this machine.
# make test: the whole test suite, real browsers included.
GO ?= go

.PHONY: build demo test browser clean

build:
	$(GO) build -o coupatui .

browser:
	@sh scripts/ensure-browser.sh

demo: browser build
	./coupatui demo

test:
	@sh scripts/ensure-browser.sh --test
	$(GO) test -race ./...

clean:
	rm -rf coupatui coupatui-demo
