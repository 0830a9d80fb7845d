// Evidence photos on a weak connection: each photo chosen is made smaller on the phone before it is sent
// (longest side data-side pixels, JPEG at quality 0.8, turned upright from its EXIF orientation), keeping
// when and where it was taken (read with the vendored exifr, written back into the smaller JPEG); a file
// still over data-max-bytes is refused here, before a byte is sent, with a message naming the limit.
// "Add my location" asks the phone where it is, only when pressed.
// Progressive enhancement only: without JS the server makes the same copy (pillars/evidence.py stored_copy).
(function () {
  "use strict";

  var QUALITY = 0.8;

  function format(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return key in values ? values[key] : whole;
    });
  }

  function sizeText(bytes) {
    var language = document.documentElement.lang || undefined;
    // One decimal, as the server writes sizes (Django's filesizeformat: "5,0 MB").
    var number = new Intl.NumberFormat(language, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    if (bytes >= 1024 * 1024) {
      return number.format(bytes / (1024 * 1024)) + "\u00a0MB";
    }
    return number.format(Math.max(1, Math.round(bytes / 1024))) + "\u00a0KB";
  }

  function isImage(file) {
    return /^image\//.test(file.type) || /\.(heic|heif)$/i.test(file.name);
  }

  // --- when and where: read from the original, written into the copy as a small EXIF block -------------------

  function readFacts(file) {
    if (!window.exifr) {
      return Promise.resolve({});
    }
    // Values as written (the time as "YYYY:MM:DD HH:MM:SS", to be written back as it was); exifr adds the
    // position in signed degrees as latitude and longitude.
    var options = { tiff: true, exif: true, gps: true, xmp: false, icc: false, iptc: false, jfif: false,
      ihdr: false, reviveValues: false };
    return window.exifr.parse(file, options).then(function (tags) {
      tags = tags || {};
      var facts = {};
      var taken = tags.DateTimeOriginal || tags.CreateDate || tags.DateTime;
      if (typeof taken === "string" && /^\d{4}:\d\d:\d\d \d\d:\d\d:\d\d/.test(taken)) {
        facts.taken = taken.slice(0, 19);
      }
      if (typeof tags.latitude === "number" && typeof tags.longitude === "number" &&
          isFinite(tags.latitude) && isFinite(tags.longitude) && (tags.latitude || tags.longitude)) {
        facts.latitude = tags.latitude;
        facts.longitude = tags.longitude;
      }
      return facts;
    }).catch(function () {
      return {};
    });
  }

  function ascii(text) {
    var bytes = [];
    for (var i = 0; i < text.length; i += 1) {
      bytes.push(text.charCodeAt(i) & 0x7f);
    }
    bytes.push(0);
    return bytes;
  }

  // An EXIF APP1 segment with DateTimeOriginal and the GPS position: a big-endian TIFF of three directories.
  function exifSegment(facts) {
    var BYTE = 1, ASCII = 2, LONG = 4, RATIONAL = 5;
    var SIZES = { 1: 1, 2: 1, 4: 4, 5: 8 };
    function dms(value) {
      var whole = Math.abs(value);
      var degrees = Math.floor(whole);
      var minutes = Math.floor((whole - degrees) * 60);
      var seconds = Math.round(((whole - degrees) * 60 - minutes) * 60 * 10000);
      return [[degrees, 1], [minutes, 1], [seconds, 10000]];
    }
    var exif = [], gps = [];
    if (facts.taken) {
      exif.push([0x9003, ASCII, ascii(facts.taken)]);
    }
    if ("latitude" in facts) {
      gps.push([0x0000, BYTE, [2, 3, 0, 0]]);
      gps.push([0x0001, ASCII, ascii(facts.latitude < 0 ? "S" : "N")]);
      gps.push([0x0002, RATIONAL, dms(facts.latitude)]);
      gps.push([0x0003, ASCII, ascii(facts.longitude < 0 ? "W" : "E")]);
      gps.push([0x0004, RATIONAL, dms(facts.longitude)]);
    }
    if (!exif.length && !gps.length) {
      return null;
    }
    var root = [];
    var directories = [root];
    if (exif.length) {
      root.push([0x8769, LONG, [0], exif]);
      directories.push(exif);
    }
    if (gps.length) {
      root.push([0x8825, LONG, [0], gps]);
      directories.push(gps);
    }
    function count(entry) {
      return entry[2].length;
    }
    function dataSize(entry) {
      var size = SIZES[entry[1]] * count(entry);
      return size > 4 ? size + (size % 2) : 0;
    }
    // Where each directory starts: after the header, each directory followed by the values too long to inline.
    var offsets = [], at = 8;
    directories.forEach(function (entries) {
      offsets.push(at);
      at += 2 + entries.length * 12 + 4;
      entries.forEach(function (entry) { at += dataSize(entry); });
    });
    root.forEach(function (entry) {
      entry[2] = [offsets[directories.indexOf(entry[3])]];
    });
    var tiff = new DataView(new ArrayBuffer(at));
    tiff.setUint16(0, 0x4d4d);
    tiff.setUint16(2, 42);
    tiff.setUint32(4, 8);
    directories.forEach(function (entries, index) {
      var position = offsets[index];
      var data = position + 2 + entries.length * 12 + 4;
      tiff.setUint16(position, entries.length);
      entries.forEach(function (entry, number) {
        var place = position + 2 + number * 12;
        var type = entry[1], values = entry[2];
        tiff.setUint16(place, entry[0]);
        tiff.setUint16(place + 2, type);
        tiff.setUint32(place + 4, count(entry));
        var target = dataSize(entry) ? data : place + 8;
        if (dataSize(entry)) {
          tiff.setUint32(place + 8, data);
          data += dataSize(entry);
        }
        values.forEach(function (value, i) {
          if (type === RATIONAL) {
            tiff.setUint32(target + i * 8, value[0]);
            tiff.setUint32(target + i * 8 + 4, value[1]);
          } else if (type === LONG) {
            tiff.setUint32(target + i * 4, value);
          } else {
            tiff.setUint8(target + i, value);
          }
        });
      });
      tiff.setUint32(position + 2 + entries.length * 12, 0);
    });
    var length = 2 + 6 + at;
    var segment = new Uint8Array(2 + length);
    segment.set([0xff, 0xe1, length >> 8, length & 0xff, 0x45, 0x78, 0x69, 0x66, 0, 0]);
    segment.set(new Uint8Array(tiff.buffer), 10);
    return segment;
  }

  function withFacts(blob, facts) {
    var segment = exifSegment(facts);
    if (!segment) {
      return Promise.resolve(blob);
    }
    return blob.arrayBuffer().then(function (buffer) {
      var jpeg = new Uint8Array(buffer);
      // Right after the start-of-image marker, where readers look first.
      return new Blob([jpeg.subarray(0, 2), segment, jpeg.subarray(2)], { type: "image/jpeg" });
    });
  }

  // --- making a photo smaller --------------------------------------------------------------------------------

  function smaller(file, side) {
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      var scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bitmap.width * scale));
      canvas.height = Math.max(1, Math.round(bitmap.height * scale));
      var context = canvas.getContext("2d");
      // A transparent PNG on white, as the page shows it.
      context.fillStyle = "#fff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.imageSmoothingQuality = "high";
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      return new Promise(function (resolve, reject) {
        canvas.toBlob(function (blob) {
          if (blob) {
            resolve(blob);
          } else {
            reject(new Error("no JPEG"));
          }
        }, "image/jpeg", QUALITY);
      });
    });
  }

  function jpegName(name) {
    var stem = name.replace(/\.[^.]*$/, "") || "foto";
    return stem + ".jpg";
  }

  // A photo made smaller, or the file as chosen when the browser cannot decode it (HEIC outside Safari:
  // the server reads it); null when what would be sent is over the limit.
  function prepare(file, input) {
    var limit = Number(input.getAttribute("data-max-bytes"));
    var side = Number(input.getAttribute("data-side"));
    var asChosen = Promise.resolve({ file: file, made: false });
    var work = !isImage(file) || !window.createImageBitmap ? asChosen : Promise.all([smaller(file, side), readFacts(file)])
      .then(function (results) {
        return withFacts(results[0], results[1]);
      })
      .then(function (blob) {
        // A small PNG can come out larger as a JPEG: send the smaller of the two.
        if (blob.size >= file.size && file.type === "image/jpeg") {
          return { file: file, made: false };
        }
        return { file: new File([blob], jpegName(file.name), { type: "image/jpeg", lastModified: file.lastModified }), made: true };
      })
      .catch(function () {
        return { file: file, made: false };
      });
    return work.then(function (result) {
      if (result.file.size > limit) {
        result.refused = format(input.getAttribute("data-too-big"), {
          name: file.name, size: sizeText(file.size), limit: input.getAttribute("data-limit")
        });
      }
      return result;
    });
  }

  function say(form, text, kind) {
    var status = form.querySelector(".photo-status");
    if (!status) {
      return;
    }
    status.replaceChildren();
    text.forEach(function (line) {
      var part = document.createElement("span");
      part.className = "d-block " + (kind === "error" ? "text-danger fw-semibold" : "text-body-secondary");
      part.textContent = line;
      status.appendChild(part);
    });
  }

  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("evidence-input") || !input.files || !input.files.length) {
      return;
    }
    var form = input.form;
    var chosen = Array.prototype.slice.call(input.files);
    var buttons = form.querySelectorAll("button[type=submit]");
    form.setAttribute("data-preparing", "1");
    buttons.forEach(function (button) { button.disabled = true; });
    say(form, [input.getAttribute("data-preparing")]);
    Promise.all(chosen.map(function (file) { return prepare(file, input); })).then(function (results) {
      var kept = new DataTransfer(), refused = [], made = 0, bytes = 0;
      results.forEach(function (result) {
        if (result.refused) {
          refused.push(result.refused);
          return;
        }
        kept.items.add(result.file);
        bytes += result.file.size;
        made += result.made ? 1 : 0;
      });
      input.files = kept.files;
      var lines = made ? [format(input.getAttribute("data-prepared"), { count: made, size: sizeText(bytes) })] : [];
      if (refused.length) {
        say(form, refused.concat(lines), "error");
      } else {
        say(form, lines);
      }
    }).finally(function () {
      form.removeAttribute("data-preparing");
      buttons.forEach(function (button) { button.disabled = false; });
    });
  });

  // No save while photos are being made smaller: it would send the originals, or none.
  document.addEventListener("submit", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-preparing")) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // --- where the phone is, asked only on a press -------------------------------------------------------------

  function showLocateButtons(root) {
    if (!navigator.geolocation) {
      return;
    }
    root.querySelectorAll(".photo-locate").forEach(function (line) { line.hidden = false; });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".locate-button");
    if (!button) {
      return;
    }
    var form = button.form;
    var fields = { latitude: form.querySelector("input[name$='-latitude']"),
      longitude: form.querySelector("input[name$='-longitude']") };
    say(form, [button.getAttribute("data-locating")]);
    navigator.geolocation.getCurrentPosition(function (position) {
      fields.latitude.value = position.coords.latitude.toFixed(6);
      fields.longitude.value = position.coords.longitude.toFixed(6);
      say(form, [format(button.getAttribute("data-located"), {
        place: fields.latitude.value + ", " + fields.longitude.value
      })]);
    }, function () {
      say(form, [button.getAttribute("data-denied")], "error");
    }, { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 });
  });

  showLocateButtons(document);
  // A card answered by htmx comes with its button hidden again.
  document.addEventListener("htmx:load", function () {
    showLocateButtons(document);
  });
})();
