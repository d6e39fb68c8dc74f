# make demo: see coupatui work against a simulated Coupa on this machine.
# make test: the whole test suite, real browsers included.
# make screenshot: the README's picture (docs/console.svg) from a real demo run.
GO ?= go

.PHONY: build demo test browser clean screenshot

build:
	$(GO) build -o coupatui .

browser:
	@sh scripts/ensure-browser.sh

demo: browser build
	./coupatui demo

test:
	@sh scripts/ensure-browser.sh --test
	$(GO) test -race -timeout 14m ./...

screenshot: browser
	GO=$(GO) sh scripts/screenshot.sh docs/console.svg

clean:
	rm -rf coupatui coupatui-demo
