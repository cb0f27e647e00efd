/*
 * Copyright 2022 Google Inc. All Rights Reserved.
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *     http://www.apache.org/licenses/LICENSE-2.0
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

// This file is kept similar to workerHelpers.js, but intended to be used in
// a bundlerless ES module environment (which has a few differences).

// Lanes' fork (see LANES.md): `startWorkers` first takes threads the host started ahead of time, through
// `self.wbgRayonTakeWorkers(mainJS, count)` (up to `count` of `{ worker, failed }`) when the host defines it. Such
// a thread is already importing `mainJS` while the host instantiates its own module, so the pool is ready sooner;
// it speaks this file's init/ready messages, and may answer `wasm_bindgen_worker_failed` with a reason instead of
// ready. Threads it does not hand over are spawned as upstream does.

function waitForMsgType(target, type) {
  return new Promise(resolve => {
    target.addEventListener('message', function onMsg({ data }) {
      if (data == null || data.type !== type) return;
      target.removeEventListener('message', onMsg);
      resolve(data);
    });
  });
}

// We need to wait for a specific message because this file is used both
// as a Worker and as a regular script, so it might receive unrelated
// messages on the page.
waitForMsgType(self, 'wasm_bindgen_worker_init').then(async data => {
  const pkg = await import(data.mainJS);
  await pkg.default(data.module, data.memory);
  postMessage({ type: 'wasm_bindgen_worker_ready' });
  pkg.wbg_rayon_start_worker(data.receiver);
});

// Note: this is never used, but necessary to prevent a bug in Firefox
// (https://bugzilla.mozilla.org/show_bug.cgi?id=1702191) where it collects
// Web Workers that have a shared WebAssembly memory with the main thread,
// but are not explicitly rooted via a `Worker` instance.
//
// By storing them in a variable, we can keep `Worker` objects around and
// prevent them from getting GC-d.
let _workers;

export async function startWorkers(module, memory, builder) {
  if (builder.numThreads() === 0) {
    throw new Error(`num_threads must be > 0.`);
  }

  const workerInit = {
    type: 'wasm_bindgen_worker_init',
    module,
    memory,
    receiver: builder.receiver(),
    mainJS: builder.mainJS()
  };

  const prestarted = typeof self.wbgRayonTakeWorkers === 'function'
    ? self.wbgRayonTakeWorkers(workerInit.mainJS, builder.numThreads())
    : [];
  _workers = await Promise.all(
    Array.from({ length: builder.numThreads() }, async (_, index) => {
      if (prestarted[index] !== undefined) return startPrestarted(prestarted[index], workerInit);
      // Self-spawn into a new Worker.
      // The script is fetched as a blob so it works even if this script is
      // hosted remotely (e.g. on a CDN). This avoids a cross-origin
      // security error.
      let scriptBlob = await fetch(import.meta.url).then(r => r.blob());
      let url = URL.createObjectURL(scriptBlob);
      const worker = new Worker(url, {
        type: 'module'
      });
      worker.postMessage(workerInit);
      await waitForMsgType(worker, 'wasm_bindgen_worker_ready');
      URL.revokeObjectURL(url);
      return worker;
    })
  );
  builder.build();
}

// Lanes' fork: a thread the host started ahead of time (`{ worker, failed }`: `failed` resolves with a reason if
// its script did not load, which the host listened for from the start) gets the same init message, and answers
// ready or failed.
function startPrestarted({ worker, failed }, workerInit) {
  return new Promise((resolve, reject) => {
    const fail = (reason) => {
      worker.removeEventListener('message', onMsg);
      reject(new Error(`a pool thread did not start: ${reason}`));
    };
    function onMsg({ data }) {
      if (data?.type === 'wasm_bindgen_worker_ready') {
        worker.removeEventListener('message', onMsg);
        resolve(worker);
      } else if (data?.type === 'wasm_bindgen_worker_failed') fail(data.reason);
    }
    failed.then(fail);
    worker.addEventListener('message', onMsg);
    worker.postMessage(workerInit);
  });
}
