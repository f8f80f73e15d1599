'use strict';
/**
 * Modules loaded on first use instead of at start-up. cdktf loads its asset archiver (`archiver`, ~0.1 s of every
 * synth) when it starts, for `TerraformAsset`, which no stack of this project uses: `lazyModules(['archiver'])`
 * makes `require('archiver')` return a stand-in that loads the real module the first time it is called, constructed
 * or read, and then behaves as the module itself.
 */
const Module = require('module');

function lazyModules(names) {
  const lazy = new Set(names);
  const load = Module._load;
  Module._load = function (request, parent, isMain) {
    if (!lazy.has(request)) return load.apply(this, arguments);
    let real;
    const actual = () => (real ??= load.call(this, request, parent, isMain));
    return new Proxy(function lazyModule() {}, {
      apply: (_t, self, args) => Reflect.apply(actual(), self, args),
      construct: (_t, args) => Reflect.construct(actual(), args),
      get: (_t, p) => Reflect.get(actual(), p),
      has: (_t, p) => Reflect.has(actual(), p),
      ownKeys: () => Reflect.ownKeys(actual()),
      getOwnPropertyDescriptor: (_t, p) => {
        const d = Reflect.getOwnPropertyDescriptor(actual(), p);
        return d && { ...d, configurable: true };
      },
    });
  };
}

module.exports = { lazyModules };
