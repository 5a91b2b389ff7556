'use strict';
// Loads the native addon built for this platform (lib/native-loader.js says where it looks).
// Reads no environment variable, runs no diagnostic report and prints nothing; a missing
// build is an error with code `binary_unavailable` naming the platform.

module.exports = require('./native-loader.js').loadNative();
