// A plugin module that fails while setting up: the page must go on without it.
export default function setup() {
  throw new Error('demo_broken fails on purpose');
}
