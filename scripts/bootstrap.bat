@echo off
rem Called by start-backend.bat and run-tests.bat from the project root: make .venv, install the
rem pinned requirements (%REQUIREMENTS%, default requirements.txt) when they changed, create .env.
if not defined REQUIREMENTS set "REQUIREMENTS=requirements.txt"
if exist ".venv\Scripts\python.exe" goto :venv_ready
set "PYTHON_CMD="
py -3 -c "import sys; sys.exit(sys.version_info < (3, 10))" >nul 2>&1 && set "PYTHON_CMD=py -3"
if not defined PYTHON_CMD python -c "import sys; sys.exit(sys.version_info < (3, 10))" >nul 2>&1 && set "PYTHON_CMD=python"
if not defined PYTHON_CMD (
  echo Python 3.10 or newer is needed. Install it from https://www.python.org/downloads/
  echo and tick "Add python.exe to PATH" ^(or install the "py" launcher^), then run this again.
  exit /b 1
)
echo Creating the virtual environment in .venv ...
%PYTHON_CMD% -m venv .venv || (echo Could not create .venv & exit /b 1)
:venv_ready
set "VENV_PYTHON=%CD%\.venv\Scripts\python.exe"
"%VENV_PYTHON%" scripts\requirements_stamp.py check %REQUIREMENTS%
if errorlevel 1 (
  echo Installing %REQUIREMENTS% into .venv ...
  "%VENV_PYTHON%" -m pip install --disable-pip-version-check -q -r %REQUIREMENTS% || (echo Installing the requirements failed & exit /b 1)
  "%VENV_PYTHON%" scripts\requirements_stamp.py write %REQUIREMENTS%
)
if not exist ".env" (
  copy ".env.example" ".env" >nul
  echo Created .env from .env.example ^(no Qikink credentials: the local emulator is used^).
)
exit /b 0
